package io.burnrate.engine.slo.v1;

import io.burnrate.engine.slo.SloLimits;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * The first pass over an SLO file: SnakeYAML's event stream (no composer, no
 * constructor, so no alias is ever expanded and no class ever instantiated), refusing
 * what the tree reader would get wrong or that has no place in an SLO: aliases and
 * anchors (Jackson reads an alias as its anchor's <em>name</em>), tags, duplicate keys
 * (Jackson lets the last one win), complex keys and non-finite numbers. Each problem
 * names the file, document, line, SLO and field path. Counts documents against
 * {@link SloLimits#maxSlos()} and stops early past it.
 */
final class YamlGuard {

    /** More problems than this in one file are summarised: the output stays bounded. */
    static final int MAX_PROBLEMS = 50;
    private static final Pattern NON_FINITE = Pattern.compile("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
    private static final String CORE_TAG = "tag:yaml.org,2002:";

    /** Thrown when the whole file is refused before per-document problems make sense. */
    static final class Refused extends Exception {
        Refused(final String message) {
            super(message, null, false, false);
        }
    }

    private YamlGuard() {
    }

    static LoaderOptions loaderOptions(final SloLimits limits) {
        final LoaderOptions o = new LoaderOptions();
        o.setAllowDuplicateKeys(false);
        o.setMaxAliasesForCollections(0);
        o.setAllowRecursiveKeys(false);
        o.setNestingDepthLimit(32);
        o.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, limits.maxFileBytes()));
        return o;
    }

    /** Problems of the file; empty when the tree reader may read it. */
    static List<String> check(final String text, final String source, final SloLimits limits) throws Refused {
        final List<String> problems = new ArrayList<>();
        final Parser parser = new ParserImpl(new StreamReader(new StringReader(text)), loaderOptions(limits));
        final Deque<Frame> stack = new ArrayDeque<>();
        int documents = 0;
        Doc doc = null;
        try {
            while (parser.peekEvent() != null) {
                final Event e = parser.getEvent();
                if (e.is(Event.ID.StreamEnd)) {
                    break;
                }
                if (e.is(Event.ID.StreamStart) || e.is(Event.ID.Comment)) {
                    continue;
                }
                if (e.is(Event.ID.DocumentStart)) {
                    doc = null;
                    continue;
                }
                if (e.is(Event.ID.DocumentEnd)) {
                    if (doc != null) {
                        doc.flushInto(problems, source);
                    }
                    continue;
                }
                if (e.is(Event.ID.MappingEnd) || e.is(Event.ID.SequenceEnd)) {
                    stack.pop();
                    continue;
                }
                if (stack.isEmpty()) {
                    // the root node of a document: empty documents are skipped, as the reader does
                    if (e instanceof ScalarEvent s && isNull(s)) {
                        continue;
                    }
                    documents++;
                    if (documents > limits.maxSlos()) {
                        throw new Refused(source + ": more than " + limits.maxSlos() + " SLO documents (limit "
                                + SloLimits.MAX_SLOS + " = " + limits.maxSlos() + ")");
                    }
                    doc = new Doc(documents);
                }
                final Frame parent = stack.peek();
                final String path;
                if (parent != null && parent.mapping && parent.expectKey) {
                    // a key
                    parent.expectKey = false;
                    if (!(e instanceof ScalarEvent key)) {
                        doc.problem(e.getStartMark(), parent.path.isEmpty() ? "(root)" : parent.path,
                                "complex (mapping or list) keys are not supported");
                        parent.key = "?";
                        if (e instanceof CollectionStartEvent) {
                            stack.push(new Frame(parent.path + ".?", e instanceof MappingStartEvent));
                        }
                        continue;
                    }
                    checkNode(key, doc, join(parent.path, key.getValue()));
                    if (!parent.keys.add(key.getValue())) {
                        doc.problem(e.getStartMark(), join(parent.path, key.getValue()),
                                "duplicate key (a key may appear once in a mapping)");
                    }
                    parent.key = key.getValue();
                    continue;
                }
                if (parent == null) {
                    path = "";
                } else if (parent.mapping) {
                    path = join(parent.path, parent.key);
                    parent.expectKey = true;
                } else {
                    path = parent.path + "[" + parent.index++ + "]";
                }
                checkNode(e, doc, path);
                if (e instanceof ScalarEvent s) {
                    if ("metadata.name".equals(path)) {
                        doc.name = s.getValue();
                    }
                    if (s.isPlain() && s.getTag() == null && NON_FINITE.matcher(s.getValue()).matches()) {
                        doc.problem(e.getStartMark(), path, "must be a finite number, not " + s.getValue());
                    }
                } else if (e instanceof MappingStartEvent || e instanceof SequenceStartEvent) {
                    stack.push(new Frame(path, e instanceof MappingStartEvent));
                }
                if (problems.size() + (doc == null ? 0 : doc.pending.size()) > MAX_PROBLEMS) {
                    break;
                }
            }
        } catch (MarkedYAMLException ex) {
            if (doc != null) {
                doc.flushInto(problems, source);
            }
            final Mark m = ex.getProblemMark();
            final String at = m == null ? "" : " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
            problems.add(source + ": not valid YAML" + at + ": "
                    + firstLine(ex.getProblem() != null ? ex.getProblem() : ex.getMessage()));
            return bounded(problems);
        } catch (RuntimeException ex) {
            // SnakeYAML's limits (code points, nesting depth) throw plain YAMLExceptions
            problems.add(source + ": not valid YAML: " + firstLine(ex.getMessage()));
            return bounded(problems);
        }
        if (doc != null) {
            doc.flushInto(problems, source);
        }
        return bounded(problems);
    }

    private static List<String> bounded(final List<String> problems) {
        if (problems.size() <= MAX_PROBLEMS) {
            return problems;
        }
        final List<String> out = new ArrayList<>(problems.subList(0, MAX_PROBLEMS));
        out.add("... more problems not shown (fix these first)");
        return out;
    }

    private static void checkNode(final Event e, final Doc doc, final String path) {
        if (e instanceof AliasEvent a) {
            doc.anchorOrAlias(e.getStartMark(), path, "alias *" + a.getAnchor());
            return;
        }
        if (e instanceof NodeEvent n && n.getAnchor() != null) {
            doc.anchorOrAlias(e.getStartMark(), path, "anchor &" + n.getAnchor());
        }
        final String tag = e instanceof ScalarEvent s ? s.getTag()
                : e instanceof CollectionStartEvent c ? c.getTag() : null;
        if (tag != null) {
            doc.problem(e.getStartMark(), path, "YAML tags are not supported ("
                    + (tag.startsWith(CORE_TAG) ? "!!" + tag.substring(CORE_TAG.length()) : tag) + ")");
        }
    }

    private static boolean isNull(final ScalarEvent s) {
        final String v = s.getValue();
        return s.getTag() == null && s.isPlain() && (v.isEmpty() || "~".equals(v) || "null".equalsIgnoreCase(v));
    }

    private static String join(final String path, final String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String firstLine(final String message) {
        if (message == null) {
            return "unreadable";
        }
        final String m = message.strip();
        final int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static final class Frame {
        final String path;
        final boolean mapping;
        final Set<String> keys = new HashSet<>();
        boolean expectKey = true;
        String key;
        int index;

        Frame(final String path, final boolean mapping) {
            this.path = path;
            this.mapping = mapping;
        }
    }

    /** Problems of one document, held until its metadata.name is known. */
    private static final class Doc {
        final int number;
        String name;
        final List<String[]> pending = new ArrayList<>();
        /** Anchors and aliases: the first two are reported, the rest counted (an alias bomb has thousands). */
        int anchorsAndAliases;

        Doc(final int number) {
            this.number = number;
        }

        void anchorOrAlias(final Mark mark, final String path, final String what) {
            if (++anchorsAndAliases <= 2) {
                problem(mark, path, "YAML anchors and aliases are not supported (" + what + "): write the value out");
            }
        }

        void problem(final Mark mark, final String path, final String message) {
            pending.add(new String[] {Integer.toString(mark.getLine() + 1), path, message});
        }

        void flushInto(final List<String> problems, final String source) {
            for (final String[] p : pending) {
                problems.add(source + " (document " + number + ", line " + p[0] + "): SLO "
                        + FieldReader.quote(name) + ": " + p[1] + ": " + p[2]);
            }
            if (anchorsAndAliases > 2) {
                problems.add(source + " (document " + number + "): SLO " + FieldReader.quote(name) + ": "
                        + (anchorsAndAliases - 2) + " more anchors and aliases not shown");
            }
            pending.clear();
            anchorsAndAliases = 0;
        }
    }
}

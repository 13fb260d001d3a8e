package io.burnrate.engine.backtest;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Prints how far the replay has read the events file, every few seconds, on stderr.
 * {@code OfflineReplay} reports nothing while it runs, so this watches the file offset
 * of the descriptor the replay opened on the input ({@code /proc/self/fdinfo}, Linux);
 * elsewhere it prints the elapsed time only.
 */
final class ReplayProgress implements AutoCloseable {

    private final Thread thread;
    private volatile boolean done;

    ReplayProgress(final Path events, final long size, final long lines, final PrintWriter err, final long everyMs) {
        final long started = System.nanoTime();
        thread = new Thread(() -> {
            Path real;
            try {
                real = events.toRealPath();
            } catch (IOException e) {
                real = events.toAbsolutePath();
            }
            String fd = null;
            while (!done) {
                synchronized (this) {
                    try {
                        wait(everyMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (done) {
                    return;
                }
                if (fd == null) {
                    fd = descriptor(real);
                }
                final long pos = fd == null ? -1 : position(fd);
                final double secs = (System.nanoTime() - started) / 1e9;
                if (pos >= 0 && size > 0) {
                    final double share = Math.min(1.0, (double) pos / size);
                    final String eta = share > 0.01 ? String.format(Locale.ROOT, ", about %.0f s to go",
                            secs / share - secs) : "";
                    err.printf(Locale.ROOT, "backtest: replay %.0f%% (about %,d of %,d lines), %.0f s%s%n",
                            100 * share, Math.round(share * lines), lines, secs, eta);
                } else {
                    err.printf(Locale.ROOT, "backtest: replay running, %.0f s%n", secs);
                }
                err.flush();
            }
        }, "backtest-progress");
        thread.setDaemon(true);
        thread.start();
    }

    /** The descriptor number of ours open on {@code file}, or null. */
    private static String descriptor(final Path file) {
        final Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return null;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fds)) {
            for (final Path fd : s) {
                try {
                    if (Files.readSymbolicLink(fd).equals(file)) {
                        return fd.getFileName().toString();
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // closed meanwhile, or not a link: try the next
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static long position(final String fd) {
        try {
            for (final String line : Files.readAllLines(Path.of("/proc/self/fdinfo", fd))) {
                if (line.startsWith("pos:")) {
                    return Long.parseLong(line.substring(4).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        done = true;
        synchronized (this) {
            notifyAll();
        }
    }
}

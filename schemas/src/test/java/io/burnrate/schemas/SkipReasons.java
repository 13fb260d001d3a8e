package io.burnrate.schemas;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints {@code SKIPPED <test>: <reason>} for every test or class that is disabled
 * ({@code @EnabledIf}, {@code @Disabled}) or aborted by an assumption, so the build output
 * says why, not only "Skipped: 1" (a copy of the engine's {@code testing.SkipReasons}:
 * the modules share no test code). Registered with the JUnit Platform through
 * {@code META-INF/services}; writes to the process's own standard error, because Surefire
 * and Failsafe redirect {@link System#err} to report files while tests run.
 */
public final class SkipReasons implements TestExecutionListener {

    private static final PrintStream CONSOLE = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
            StandardCharsets.UTF_8);

    @Override
    public void executionSkipped(final TestIdentifier test, final String reason) {
        print(test, reason);
    }

    @Override
    public void executionFinished(final TestIdentifier test, final TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            print(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    private static void print(final TestIdentifier test, final String reason) {
        final String name = test.getSource().map(s -> s instanceof MethodSource m ? m.getClassName() + "." + m.getMethodName()
                : s instanceof ClassSource c ? c.getClassName() : null).orElse(test.getDisplayName());
        CONSOLE.println("SKIPPED " + name + ": " + reason);
    }
}

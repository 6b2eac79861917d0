package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the java launcher prints when a child JVM cannot start, read for the line that says why. */
class ChildStartExceptionTest {

    private static final String SETTINGS = "a child JVM refused its options (TASKFORK_CHILD_JAVA_OPTIONS,"
            + " TASKFORK_CHILD_HEAP, TASKFORK_CHILD_JAVA): ";

    @Test
    void optionsTheJvmRefusesAreNamedWithItsOwnReasonOnOneLine() {
        ChildStartException unknown = new ChildStartException(1, "Picked up JAVA_TOOL_OPTIONS: -Dx=1\n"
                + "Unrecognized option: -Xbogus\nError: Could not create the Java Virtual Machine.\n"
                + "Error: A fatal exception has occurred. Program will exit.\n");
        assertThat(unknown.optionsRefused()).isTrue();
        assertThat(unknown.getMessage()).isEqualTo(SETTINGS + "Unrecognized option: -Xbogus");

        ChildStartException heap = new ChildStartException(1, "Error occurred during initialization of VM\n"
                + "Initial heap size set to a larger value than the maximum heap size\n"
                + "Error: Could not create the Java Virtual Machine.\n");
        assertThat(heap.getMessage()).isEqualTo(SETTINGS + "Error occurred during initialization of VM;"
                + " Initial heap size set to a larger value than the maximum heap size");
    }

    /** A second collector beside taskfork's SerialGC: the JVM says so without the launcher's line. */
    @Test
    void optionsTheJvmRefusesOnlyTogetherAreNamedToo() {
        ChildStartException collectors = new ChildStartException(1, "Error occurred during initialization of VM\n"
                + "Multiple garbage collectors selected\n");

        assertThat(collectors.optionsRefused()).isTrue();
        assertThat(collectors.getMessage()).isEqualTo(SETTINGS + "Error occurred during initialization of VM;"
                + " Multiple garbage collectors selected");
    }

    /** The launcher's own refusals: an option without its value, and a stray word taken for the main class. */
    @Test
    void aCommandLineTheLauncherCannotReadIsTheSettingsFault() {
        ChildStartException noValue = new ChildStartException(1, "Error: -cp requires class path specification\n");
        ChildStartException strayWord = new ChildStartException(1, "Error: Could not find or load main class foo\n"
                + "Caused by: java.lang.ClassNotFoundException: foo\n");
        ChildStartException noChildJar = new ChildStartException(1,
                "Error: Could not find or load main class io.taskfork.consumer.child.ChildMain\n"
                        + "Caused by: java.lang.ClassNotFoundException: io.taskfork.consumer.child.ChildMain\n");

        assertThat(noValue.optionsRefused()).isTrue();
        assertThat(noValue.getMessage()).isEqualTo(SETTINGS + "Error: -cp requires class path specification");
        assertThat(strayWord.optionsRefused()).isTrue();
        assertThat(noChildJar.optionsRefused()).as("the installation's fault, not the settings'").isFalse();
    }

    @Test
    void anyOtherFailureToStartEndsWithWhatTheChildPrintedLast() {
        ChildStartException other = new ChildStartException(3, "loading handlers\njava.lang.ExceptionInInitializerError\n");

        assertThat(other.optionsRefused()).isFalse();
        assertThat(other.getMessage()).isEqualTo("a child JVM could not start (exit code 3):"
                + " java.lang.ExceptionInInitializerError");
    }
}

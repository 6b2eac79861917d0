package io.taskfork.consumer.child.handlers;

import java.util.Map;

/**
 * Environment variables by which a program would run code of the task's choosing inside an allowed
 * command, such as a bash script on the allow-list sourcing {@code BASH_ENV=/dev/stdin} with the
 * task's stdin: a task may not set them, or the allow-list would not say what runs.
 */
final class CodeVariables {

    private static final String SHELL = "a shell";
    private static final Map<String, String> READERS = Map.ofEntries(
            Map.entry("GCONV_PATH", "the C library"),
            // a configuration file that can load an engine, a shared library, into any program using OpenSSL
            Map.entry("OPENSSL_CONF", "OpenSSL"),
            Map.entry("BASH_ENV", SHELL), Map.entry("ENV", SHELL), Map.entry("SHELLOPTS", SHELL),
            Map.entry("BASHOPTS", SHELL), Map.entry("PS4", SHELL),
            Map.entry("NODE_OPTIONS", "node"),
            Map.entry("PYTHONPATH", "python"), Map.entry("PYTHONHOME", "python"), Map.entry("PYTHONSTARTUP", "python"),
            Map.entry("PERL5OPT", "perl"), Map.entry("PERL5LIB", "perl"), Map.entry("PERLLIB", "perl"),
            Map.entry("RUBYOPT", "ruby"), Map.entry("RUBYLIB", "ruby"),
            Map.entry("JAVA_TOOL_OPTIONS", "java"), Map.entry("_JAVA_OPTIONS", "java"),
            Map.entry("JDK_JAVA_OPTIONS", "java"));

    private CodeVariables() {
    }

    /** What would run code of the task's choosing through the variable {@code name}, or null when nothing known. */
    static String reader(String name) {
        if (name.startsWith("LD_")) {
            return "the dynamic loader";
        }
        if (name.startsWith("BASH_FUNC_")) {
            // bash takes such a variable as a function, which may shadow any command a script calls
            return SHELL;
        }
        return READERS.get(name);
    }
}

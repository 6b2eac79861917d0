package io.taskfork.producer.dlq;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A yes-or-no question asked on a terminal; the answer is no unless it is y or yes. */
public final class Confirmation {

    private final InputStream in;
    private final PrintStream prompt;

    public Confirmation(InputStream in, PrintStream prompt) {
        this.in = in;
        this.prompt = prompt;
    }

    /** Asks {@code question} (followed by " [y/N] ") and reads one line of answer. */
    public boolean ask(String question) throws IOException {
        prompt.print(question + " [y/N] ");
        prompt.flush();
        String answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        if (answer == null) {
            prompt.println();
            return false;
        }
        String word = answer.strip().toLowerCase(Locale.ROOT);
        return word.equals("y") || word.equals("yes");
    }

    /** True when this process talks to a person: its standard input and output are a terminal. */
    public static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        // From JDK 22 System.console() is there even when the streams are redirected; isTerminal()
        // (JDK 22+) then tells. This code is compiled for release 17, hence the reflection.
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (IllegalAccessException | InvocationTargetException e) {
            return false;
        }
    }
}

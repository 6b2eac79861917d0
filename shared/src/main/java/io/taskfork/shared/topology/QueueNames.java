package io.taskfork.shared.topology;

/** The three queues that belong to one main queue. */
public record QueueNames(String main, String dead, String retry) {

    public static QueueNames of(String mainQueue) {
        return new QueueNames(mainQueue, mainQueue + ".dead", mainQueue + ".retry");
    }
}

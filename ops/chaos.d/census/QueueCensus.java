package io.taskfork.chaos;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Lists every message of the given queues, one line each: {@code queue TAB task-id TAB reason}
 * (task ID from the body, else from {@code x-taskfork-task-id}; "-" where there is none).
 *
 * <p>Run it only once no consumer is left. It takes each message with {@code basic.get} and never
 * acks, so all of them stay held by this one channel until the end: a message cannot move from
 * one queue to another (expire out of the retry queue, reach the delivery limit) while it is being
 * counted, so no message is counted twice or missed. Closing the connection puts them all back.
 *
 * <p>Usage: {@code QueueCensus AMQP-URI QUEUE...} (list the retry queue before the main queue,
 * since the retry queue dead-letters into it).
 */
public final class QueueCensus {

    private QueueCensus() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: QueueCensus AMQP-URI QUEUE...");
            System.exit(2);
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(args[0]);
        factory.setAutomaticRecoveryEnabled(false);
        try (Connection connection = factory.newConnection("taskfork-chaos-census")) {
            Channel channel = connection.createChannel();
            for (int i = 1; i < args.length; i++) {
                int count = list(channel, args[i]);
                System.err.println(args[i] + ": " + count + " messages");
            }
        }
    }

    private static int list(Channel channel, String queue) throws Exception {
        int count = 0;
        for (GetResponse message = channel.basicGet(queue, false); message != null;
                message = channel.basicGet(queue, false)) {
            count++;
            Map<String, Object> headers = message.getProps().getHeaders();
            System.out.println(queue + "\t" + taskId(message.getBody(), headers) + "\t" + header(headers, "x-taskfork-reason"));
        }
        return count;
    }

    private static String taskId(byte[] body, Map<String, Object> headers) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (!text.isEmpty() && text.length() < 20 && text.chars().allMatch(Character::isDigit)) {
            return text;
        }
        return header(headers, "x-taskfork-task-id");
    }

    private static String header(Map<String, Object> headers, String name) {
        Object value = headers == null ? null : headers.get(name);
        return value == null ? "-" : value.toString().replaceAll("\\s+", " ");
    }
}

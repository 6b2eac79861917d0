package io.taskfork.producer.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.javalin.http.Context;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.Workers;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.topology.QueueNames;
import java.io.IOException;
import java.time.OffsetDateTime;
import org.jdbi.v3.core.Handle;

/**
 * {@code GET /api/overview}: tasks by status, the depth of the main, retry and dead queues, the
 * supervisors with their heartbeats and running tasks, and the tasks finished in each of the last 60 minutes.
 */
final class Overview {

    static final int MINUTES = 60;

    private final Database database;
    private final Connection connection;
    private final QueueNames queues;

    Overview(Database database, Connection connection, QueueNames queues) {
        this.database = database;
        this.connection = connection;
        this.queues = queues;
    }

    void show(Context ctx) throws IOException {
        ObjectNode body = Json.MAPPER.createObjectNode();
        // one transaction, so the counts, supervisors and minutes are of the same moment
        database.jdbi().useTransaction(handle -> {
            counts(handle, body.putObject("counts"));
            supervisors(handle, body.putArray("supervisors"));
            finishedPerMinute(handle, body.putArray("finished_per_minute"));
        });
        ObjectNode depths = body.putObject("queues");
        // the queues were declared when the server started; a passive declare only reads their depth
        Channel channel = connection.createChannel();
        try {
            depths.putObject("main").put("name", queues.main()).put("messages", depth(channel, queues.main()));
            depths.putObject("retry").put("name", queues.retry()).put("messages", depth(channel, queues.retry()));
            depths.putObject("dead").put("name", queues.dead()).put("messages", depth(channel, queues.dead()));
        } finally {
            Broker.closeQuietly(channel);
        }
        Answers.json(ctx, 200, body);
    }

    private static void counts(Handle handle, ObjectNode counts) {
        for (TaskStatus status : TaskStatus.values()) {
            counts.put(status.value(), 0L);
        }
        handle.createQuery("select status, count(*) as n from tasks group by status")
                .map((rs, ctx) -> counts.put(rs.getString("status"), rs.getLong("n")))
                .list();
    }

    private static void supervisors(Handle handle, ArrayNode supervisors) {
        handle.createQuery("select name, started_at, heartbeat_at, heartbeat_at > now()"
                        + " - make_interval(secs => :deadSeconds) as alive, (select count(*) from tasks"
                        + " where status = 'running' and worker = workers.name) as running from workers order by name")
                .bind("deadSeconds", Workers.DEAD_AFTER.toMillis() / 1000.0)
                .map((rs, ctx) -> supervisors.addObject()
                        .put("name", rs.getString("name"))
                        .put("started_at", rs.getObject("started_at", OffsetDateTime.class).toInstant().toString())
                        .put("heartbeat_at", rs.getObject("heartbeat_at", OffsetDateTime.class).toInstant().toString())
                        .put("alive", rs.getBoolean("alive"))
                        .put("running", rs.getLong("running")))
                .list();
    }

    /** Oldest first: the last number counts the tasks that ended within the last minute. */
    private static void finishedPerMinute(Handle handle, ArrayNode minutes) {
        long[] counts = new long[MINUTES];
        handle.createQuery("select floor(extract(epoch from now() - finished_at) / 60)::int as ago, count(*) as n"
                        + " from tasks where finished_at > now() - make_interval(mins => :minutes)"
                        + " and finished_at <= now() group by 1")
                .bind("minutes", MINUTES)
                .map((rs, ctx) -> {
                    counts[MINUTES - 1 - rs.getInt("ago")] = rs.getLong("n");
                    return null;
                })
                .list();
        for (long count : counts) {
            minutes.add(count);
        }
    }

    private static long depth(Channel channel, String queue) throws IOException {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }
}

package io.taskfork.producer.http;

import io.taskfork.producer.TaskPublisher;
import io.taskfork.shared.config.HttpSettings;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.time.Clock;

/**
 * An API server on a free loopback port over a fresh schema and queues, with the publisher it
 * submits through and a client for it; {@link #close} stops them in reverse order.
 */
record ApiFixture(IsolatedEnvironment env, TaskStore store, TaskPublisher publisher, ApiServer server, HttpCalls http)
        implements AutoCloseable {

    static ApiFixture start(Class<?> testClass, String token, String readOnlyToken) {
        return start(testClass, token, readOnlyToken, Clock.systemUTC());
    }

    /** As the other, with the clock that ends the console's sessions. */
    static ApiFixture start(Class<?> testClass, String token, String readOnlyToken, Clock clock) {
        IsolatedEnvironment env = IsolatedEnvironment.create(testClass);
        TaskStore store = new TaskStore(env.database());
        TaskPublisher publisher = new TaskPublisher(env.connection(), store, env.queues());
        ApiServer server = ApiServer.start(publisher, env.database(), env.connection(), env.queues(),
                new HttpSettings("127.0.0.1", 0, token, readOnlyToken), clock);
        return new ApiFixture(env, store, publisher, server, new HttpCalls(server.port()));
    }

    /** How many task rows there are: what a refused request must leave as it found it. */
    long rows() {
        return env.database().jdbi().withHandle(handle -> handle.createQuery("select count(*) from tasks")
                .mapTo(Long.class).one());
    }

    @Override
    public void close() throws Exception {
        server.close();
        publisher.close();
        env.close();
    }
}

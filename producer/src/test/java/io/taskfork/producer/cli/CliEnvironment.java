package io.taskfork.producer.cli;

import io.taskfork.producer.QueueProbe;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.topology.Topology;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's own schema and queues for the CLI to run against, with the main queue and the
 * tasks table emptied before each test. Register it as a static field.
 */
final class CliEnvironment implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private IsolatedEnvironment environment;
    private QueueProbe mainQueue;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        environment = IsolatedEnvironment.create(context.getRequiredTestClass());
        // the CLI declares the queues too; the tests look into them before it first runs
        Topology.declare(environment.connection(), environment.queues());
        mainQueue = new QueueProbe(environment.connection(), environment.queues().main());
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        mainQueue.purge();
        environment.database().jdbi().useHandle(handle -> handle.execute("delete from tasks"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (environment != null) {
            mainQueue.close();
            environment.close();
        }
    }

    IsolatedEnvironment env() {
        return environment;
    }

    QueueProbe mainQueue() {
        return mainQueue;
    }

    long rowCount() {
        return environment.database().jdbi().withHandle(handle -> handle.createQuery("select count(*) from tasks")
                .mapTo(Long.class).one());
    }
}

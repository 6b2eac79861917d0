package io.taskfork.producer.cli;

import io.taskfork.shared.config.BuildVersion;
import picocli.CommandLine.IVersionProvider;

/** The version written into the jar's manifest at build time. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return BuildVersion.of("taskfork producer", ProducerMain.class);
    }
}

package io.taskfork.producer.cli;

import picocli.CommandLine.IVersionProvider;

/** The version written into the jar's manifest at build time. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = ProducerMain.class.getPackage().getImplementationVersion();
        return new String[] {"taskfork producer " + (version == null ? "(unpackaged build)" : version)};
    }
}

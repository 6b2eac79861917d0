package io.taskfork.shared.config;

/** What {@code --version} says of a program: the version written into its jar's manifest at build time. */
public final class BuildVersion {

    private BuildVersion() {
    }

    /** {@code program} and the version of the jar that holds {@code anchor}, as picocli's version provider gives it. */
    public static String[] of(String program, Class<?> anchor) {
        String version = anchor.getPackage().getImplementationVersion();
        return new String[] {program + " " + (version == null ? "(unpackaged build)" : version)};
    }
}

/**
 * The observed state of a host: what {@code bootc status} says about its deployments, and what the
 * bootfleet agent reports about the {@code /etc} files it manages.
 *
 * <p>Everything here is pure (no I/O apart from reading a bundled schema from the classpath) and
 * immutable. Parsers turn text into records or throw {@link
 * dev.bootfleet.core.observed.ObservedStateException} with a one-line message that names the origin,
 * the field path and what was expected.
 */
package dev.bootfleet.core.observed;

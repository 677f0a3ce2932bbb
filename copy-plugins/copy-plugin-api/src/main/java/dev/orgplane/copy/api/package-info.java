/**
 * The SPI that copy-plugin authors compile against. A plugin teaches the provisioning engine to copy
 * one kind of object from a template organization into a new one. Keep this package small and
 * stable: new methods arrive as {@code default} methods, and {@link dev.orgplane.copy.api.CopyPlugin#SPI_VERSION}
 * changes only when a change would break existing plugins.
 */
package dev.orgplane.copy.api;

/**
 * The storage service-provider interface: how sealed segments reach a file system, an object
 * store or any other target. Providers are found with {@link java.util.ServiceLoader} and chosen
 * by URI scheme. The SPI and its conformance kit arrive with the storage issue.
 */
package io.custody.storage;

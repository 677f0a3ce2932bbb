/**
 * The API gateway, the platform's only public door: verifies bearer tokens ({@code auth}) and
 * streams each request to the service that owns its path ({@code routing}).
 */
package dev.orgplane.gateway;

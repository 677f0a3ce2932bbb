package dev.orgplane.kit.auth;

/** An issuer whose tokens we accept: its {@code iss}, the audience our tokens must name, its keys. */
public record TrustedIssuer(String issuer, String audience, KeySource keys) {
}

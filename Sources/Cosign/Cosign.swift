// The Cosign module.

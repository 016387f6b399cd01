// The Sigstore module.

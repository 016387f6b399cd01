// The OCI module.

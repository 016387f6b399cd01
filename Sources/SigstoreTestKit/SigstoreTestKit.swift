// The SigstoreTestKit module.

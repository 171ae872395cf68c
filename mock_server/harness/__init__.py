"""The contract-test harness: hold a server (or a client) to `contracts/`."""

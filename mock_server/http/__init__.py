"""Thin Flask blueprints: parse, call the domain, render. Rules live in `mock_server.domain`."""

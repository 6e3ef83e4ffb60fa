"""GitHub integration: the Action driver, the sticky pull-request comment, workflow commands."""

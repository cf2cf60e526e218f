"""The staff console: live handoffs, the conversation log, review and audit."""

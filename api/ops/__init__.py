"""Operator tasks: training the NLU model, launching and supervising the processes."""

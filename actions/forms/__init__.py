"""Multi-turn forms: handoff to a lawyer, a crisis call-back number, feedback, and the calculators."""

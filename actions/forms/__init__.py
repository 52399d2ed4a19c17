"""Multi-turn forms: handoff to a lawyer, feedback, and the calculators of actions.calculators."""

"""Intent groups. Names follow ../shared/taxonomy.yml (a test keeps them in sync)."""

TOPIC_INTENTS = frozenset(
    {
        "wage_arrears",
        "overtime_hours",
        "labor_contract",
        "dismissal",
        "social_insurance",
        "work_injury",
        "leave",
        "women_protection",
        "gig_platform",
        "dispute_procedure",
        "union_membership",
        "union_services",
        "workplace_safety",
    }
)
OUT_OF_SCOPE = "out_of_scope"
DIALOGUE_INTENTS = frozenset(
    {"greet", "goodbye", "thank", "affirm", "deny", "request_human", "bot_challenge", "inform"}
)
ALL_INTENTS = TOPIC_INTENTS | DIALOGUE_INTENTS | {OUT_OF_SCOPE}

# Messages answered with a fixed text: phrasebook entries (phrasebook/zh_CN.yml).
FIXED_RESPONSES = {
    "greet": "fixed.greet",
    "goodbye": "fixed.goodbye",
    "thank": "fixed.thank",
    "bot_challenge": "fixed.bot_challenge",
    "out_of_scope": "answer.out_of_scope",
    "affirm": "fixed.anything_else",
    "deny": "fixed.anything_else",
    "inform": "answer.rephrase",
    # the live bot starts the handoff form, whose first question this is
    "request_human": "forms.handoff_description.text",
}

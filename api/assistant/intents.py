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

# Messages that are answered with a fixed text from the Rasa domain.
FIXED_RESPONSES = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thank": "utter_thank",
    "bot_challenge": "utter_bot_challenge",
    "out_of_scope": "utter_out_of_scope",
    "affirm": "utter_anything_else",
    "deny": "utter_anything_else",
    "inform": "utter_ask_rephrase",
    # the live bot starts the handoff form, whose first question this is (bot/shared_texts.yml)
    "request_human": "handoff_first_question",
}

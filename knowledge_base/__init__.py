"""Knowledge base: statute corpus + union-policy documents + FAQ cards -> versioned hybrid index -> cited answers.

Entry points: ``knowledge_base.service.KnowledgeBase`` (web app), ``knowledge_base.cli.kb_app`` (`laborbot kb …`),
``knowledge_base.index.build_index`` (builds), ``bench/retrieval.py`` (measurements).
"""

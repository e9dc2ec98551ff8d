"""Stage 3: the evaluation: facts per item, rules applied, verdicts and findings (`results`)."""

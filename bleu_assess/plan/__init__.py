"""Stage 4: migration waves (`waves`) and the dated roadmap (`roadmap`)."""

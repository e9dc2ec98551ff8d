from bleu_assess.cli import main

main()

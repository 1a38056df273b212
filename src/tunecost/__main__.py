from tunecost.cli import main

main()

from ruam.cli import main

main()

from massline.cli import main

main()

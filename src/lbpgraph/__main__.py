from lbpgraph.cli import main

main()

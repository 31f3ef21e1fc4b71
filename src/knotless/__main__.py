from knotless.cli import main

main(prog_name="knotless")

"""Pages of the evaluations, by family: the grid, its management, its files, the lists."""

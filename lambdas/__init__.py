"""The three Phenom Lambdas and the code they share; each zip keeps this package path."""

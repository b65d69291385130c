"""massline: hear every voice, concentrate it, act, return to the people, test and repeat."""

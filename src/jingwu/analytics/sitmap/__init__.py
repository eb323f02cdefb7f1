"""The one situational map (AN-4): every layer of the platform, loaded per viewport."""

"""Cases: what is specific to one country pair lives in its own folder."""

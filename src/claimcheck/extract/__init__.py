"""From document to claims: pick check-worthy sentences, suggest cites, write or merge the scaffold."""

"""Live co-design rooms: several people writing one section at once, over websockets."""

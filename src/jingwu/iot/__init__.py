"""IoT sensing network: device classes, topics, payloads, sequence gaps, rules, broker files."""

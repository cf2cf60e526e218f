"""`make bench`: our Rasa stack against Rasa's own `rasa init` assistant, over REST.

- :mod:`bot.bench.load` drives N concurrent conversations against a REST base
  URL and returns figures (importable by other benchmarks);
- :mod:`bot.bench.stats` turns latencies into percentiles and the side-by-side table;
- :mod:`bot.bench.servers` starts and stops the two stacks on loopback ports;
- :mod:`bot.bench.report` writes ``results/bench.json`` with the machine's description;
- ``python -m bot.bench`` runs it all.
"""

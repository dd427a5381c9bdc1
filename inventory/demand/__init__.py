"""Workshop demand: repair orders, workshop requests, counter sales, backorders and transfer orders.

It builds on the ledger (``inventory.services``) and is used by purchasing
(emergency orders for backorders) and planning (transfer proposals).
"""

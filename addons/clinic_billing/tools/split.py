"""Who pays what of a visit's price: the arithmetic of coverages, kept apart from the ORM so that
a table of cases tests it directly.

Coverages apply in order (primary, then secondary). Each one sees what is still the client's:
the client pays the coverage's fixed co-pay first, then what is left of its yearly deductible; the
payer pays its percentage of the rest, up to what is left of its yearly maximum; the secondary
coverage applies the same way to what the primary left to the client. Every amount is rounded to
the currency as it is computed and the client's share is the remainder, so the shares always add up
to the price exactly.
"""


def split_price(price, coverages, round_amount):
    """Split ``price`` between payers and the client.

    :param float price: the visit's price (as invoiced: the unit price of the line).
    :param list coverages: in order of priority, dicts with ``key`` (anything hashable),
        ``percent`` (the payer's share, 0-100), ``copay`` (fixed amount per visit, the client's),
        ``deductible_left`` (what the client still pays this year before the payer pays) and
        ``max_left`` (what the payer still pays this year, ``None`` without a maximum).
    :param callable round_amount: rounds an amount to the currency (``currency.round``).
    :return: ``(payers, client)``: ``payers`` a list of ``{"key", "amount", "deductible"}``, in
        the coverages' order (``deductible``: the part of the price counted against that
        coverage's deductible); ``client`` the client's share.
    """
    left = round_amount(price)
    payers = []
    for coverage in coverages:
        copay = min(max(coverage["copay"], 0.0), left)
        deductible = min(max(coverage["deductible_left"], 0.0), round_amount(left - copay))
        base = round_amount(left - copay - deductible)
        amount = round_amount(base * min(max(coverage["percent"], 0.0), 100.0) / 100.0)
        if coverage["max_left"] is not None:
            amount = min(amount, max(round_amount(coverage["max_left"]), 0.0))
        payers.append({"key": coverage["key"], "amount": amount, "deductible": round_amount(deductible)})
        left = round_amount(left - amount)
    return payers, left

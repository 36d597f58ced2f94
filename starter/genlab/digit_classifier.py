"""A small digit classifier, provided in full: the judge of generated digits.

`digit_probs(x)` gives p(y | x) over the ten digits and `digit_features(x)` its 32 penultimate
activations: the "Inception network" of this module, small enough to run anywhere. FID
(`genlab.metrics.fid`) compares feature statistics, the digit inception score uses the
probabilities, and unit 08 asks it which digit a guided sample shows.

The network is Linear(64, 32) -> ReLU -> Linear(32, 32) -> ReLU -> Linear(32, 10), trained once by
`train_digit_classifier()` below (the bundled digits' train split, full-batch Adam, lr 1e-2,
weight decay 1e-4, 600 steps, torch.manual_seed(0)); `python tools/train_digit_classifier.py`
retrains it and rewrites the weights at the bottom of this file (14 KB of float32).
Test-split accuracy of the shipped weights: see TEST_ACCURACY (checked by a test).

Inputs are digits as `genlab.data.load_digits` returns them: flat (B, 64) or images (B, 1, 8, 8),
pixels in [0, 1]; pass `signed=True` for [-1, 1] data (GANs, diffusion).
"""
import base64
import io

import torch
from torch import nn

TEST_ACCURACY = 0.9721  # on the 359 test digits


def _network():
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 10))


_MODEL = None


def digit_classifier():
    """The trained network (shared, in eval mode, parameters frozen)."""
    global _MODEL
    if _MODEL is None:
        model = _network()
        state = torch.load(io.BytesIO(base64.b64decode(_WEIGHTS)), weights_only=True)
        model.load_state_dict(state)
        model.eval().requires_grad_(False)
        _MODEL = model
    return _MODEL


def _flat(x, signed):
    x = x.reshape(len(x), -1).float()
    if x.shape[1] != 64:
        raise ValueError(f"digits are 8x8 = 64 pixels; got {x.shape[1]} values per example")
    return (x + 1) / 2 if signed else x


def digit_features(x, signed=False):
    """(B, 64) or (B, 1, 8, 8) digits -> (B, 32) penultimate activations (float32, no grad)."""
    model = digit_classifier()
    with torch.no_grad():
        return model[:4](_flat(x, signed).to(next(model.parameters()).device))


def digit_probs(x, signed=False):
    """(B, 64) or (B, 1, 8, 8) digits -> (B, 10) class probabilities p(y | x) (float32, no grad)."""
    model = digit_classifier()
    with torch.no_grad():
        return model(_flat(x, signed)).softmax(dim=-1)


def train_digit_classifier(steps=600, seed=0):
    """Train the network from scratch on the train split; returns (model, test accuracy)."""
    from .data import load_digits

    torch.manual_seed(seed)
    (x, y), (x_test, y_test) = load_digits("train"), load_digits("test")
    model = _network()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
    for _ in range(steps):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    with torch.no_grad():
        accuracy = (model(x_test).argmax(-1) == y_test).float().mean().item()
    return model, accuracy


_WEIGHTS = (
    "UEsDBAAACAgAAAAAAAAAAAAAAAAAAAAAAAAQABIAYXJjaGl2ZS9kYXRhLnBrbEZCDgBaWlpaWlpaWlpaWlpaWoACfXEAKFgI"
    "AAAAMC53ZWlnaHRxAWN0b3JjaC5fdXRpbHMKX3JlYnVpbGRfdGVuc29yX3YyCnECKChYBwAAAHN0b3JhZ2VxA2N0b3JjaApG"
    "bG9hdFN0b3JhZ2UKcQRYAQAAADBxBVgDAAAAY3B1cQZNAAh0cQdRSwBLIEtAhnEIS0BLAYZxCYljY29sbGVjdGlvbnMKT3Jk"
    "ZXJlZERpY3QKcQopUnELdHEMUnENWAYAAAAwLmJpYXNxDmgCKChoA2gEWAEAAAAxcQ9oBksgdHEQUUsASyCFcRFLAYVxEolo"
    "CilScRN0cRRScRVYCAAAADIud2VpZ2h0cRZoAigoaANoBFgBAAAAMnEXaAZNAAR0cRhRSwBLIEsghnEZSyBLAYZxGoloCilS"
    "cRt0cRxScR1YBgAAADIuYmlhc3EeaAIoKGgDaARYAQAAADNxH2gGSyB0cSBRSwBLIIVxIUsBhXEiiWgKKVJxI3RxJFJxJVgI"
    "AAAANC53ZWlnaHRxJmgCKChoA2gEWAEAAAA0cSdoBk1AAXRxKFFLAEsKSyCGcSlLIEsBhnEqiWgKKVJxK3RxLFJxLVgGAAAA"
    "NC5iaWFzcS5oAigoaANoBFgBAAAANXEvaAZLCnRxMFFLAEsKhXExSwGFcTKJaAopUnEzdHE0UnE1dS5QSwcI8lNoXPMBAADz"
    "AQAAUEsDBAAACAgAAAAAAAAAAAAAAAAAAAAAAAAXAAgAYXJjaGl2ZS8uZm9ybWF0X3ZlcnNpb25GQgQAWlpaWjFQSwcIt+/c"
    "gwEAAAABAAAAUEsDBAAACAgAAAAAAAAAAAAAAAAAAAAAAAAaADcAYXJjaGl2ZS8uc3RvcmFnZV9hbGlnbm1lbnRGQjMAWlpa"
    "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaNjRQSwcIP3dx6QIAAAACAAAAUEsDBAAA"
    "CAgAAAAAAAAAAAAAAAAAAAAAAAARAD8AYXJjaGl2ZS9ieXRlb3JkZXJGQjsAWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa"
    "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpsaXR0bGVQSwcIhT3jGQYAAAAGAAAAUEsDBAAACAgAAAAAAAAAAAAA"
    "AAAAAAAAAAAOAD4AYXJjaGl2ZS9kYXRhLzBGQjoAWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa"
    "WlpaWlpaWlpaWlpaWlpaWiagYyU0IOa87muAvYU8Rr0fnW89tiZIvrjdJ77olzk90YJSOOPkN720PX89UBUbPnTevL7vIkw9"
    "LNcru7qQRT2VIAK9JT2gvZIGkz5fklE+xgxFvih5XT4m1M090e+NPI6D8LmkS2g+pGDCPsTpcj63vf+9Z75LPpHJej7NVZY5"
    "0Bz6powBcj45vhQ+SesdPYBx1b0u6p4+vU+OPijLsSZsbDC111gcPvSQtz7Jqk4+preCPntMUT504b8+O6SbO9DWMTC3EXk8"
    "3pMrPoHklj74SyE+Lzr1Pd9faj4j6s+9C4YAJvTtBb0JNNq9vQg0PooeED75jAc9WOh3va0Osr2tDwOmxTz6q15wErxLuhm8"
    "WZCbuyLSDDswK5S05LN1J4LvlCadgxY4gfUyOhJFQzkON0C7mlVBvHSecLMUFsOmSptKJn1HpjZCOyW4ZHKsuRSFM7vHcoi4"
    "Q8DAqhTtT6XgxOyjEfSJt7WpDLlHYo27eUtHugY6LTnKsri3Won2Js9jAqZgOm0s8L8FuKLNX7s7vUs7YZ0GuqdgmzDGmAql"
    "teMNpxGDKKjsCNy4/dG8KD5gbbv3NCa8pN6TtwcMOibYyt+mjSvjqIgrvriWY/S5oSFOvK7D/rsqxQq0RC00JyBaxyNmHpSr"
    "0U+ivL6tBrzxD+u87OnsuH6GjKdHlw6nlbyAJnxSaj3cUvU9SeOkvrpGZb6oq10+MrQ+PY/Zq7xCiV23/H8UPvZmS733g7W9"
    "S9ruPlDdJz6An6k81FcQvNjdFTy7Ahk+yd4kPp/lIr0nxqG+v+qVvjFKND5rarG6pYesOQOKL71MRs6+SRrMvrlbkr7+rJ6+"
    "/AKcvm7nm7TqkQqmOt4dPIJ5ZL5oNCy8eADuPZDIKL7EB6q+uLIJpSNhiLbZIr+85WLEPtkuDj9+VL0+MokHvjwKqTyrR9Y7"
    "8aUKthxCFb5OuI8+eSwPPsAo6T7Nbd4+LgsYPlUn7rwU5W0mxIyePbKdvj3VlFs9Q0JePkCuoD5u2ak+bMUVPh1Zqyav+n0t"
    "ZmwGL64HWS8GVxSzb/04L3l5giZEkiSlcvmKpB5fqC5DLxsvTvWUtgoXqC5ZVIAvpw+ELb+dFSeQLTalJFH2Lk++8rIe50uz"
    "Y6WuLpI+mi/UWqwuIRUzpjVBGCfgPKotBsCENh3lRy+Hu34vB8zsMUbMGS+UIZ6l8CO8JrgN8K3XgoW25caQLi/PobPZPnC2"
    "ji4YL8rOJafhgDWmvg3Pr/SW+jTEwbG2fJdGtZYzkrKg9a0uc4RcJqo8+KXO2v8tnE8LL/k4uC3ZY5IzfV92LyPzaSu2JSUn"
    "/oAjJXJlkKZ8cAUv0DmBL9yztzNq5VEum9eupYLR/qW6JjQnHcK6PNMqpTwGzcc+koLhPvLNYT7eb4s+efeLvaLUq7iBDVI+"
    "FI1TPqTLyD7cYwQ/AHtCPYb+xT6vHsS9vKqFPMRAUDuwgiS+rdiavpLI4j50mJU+WrEQPiINI72VHFK8EL9qvo0fV77yd2g+"
    "5d2NPvLitD5gQdu9Z4ccutmKI6aXeYO+bB0ZvpN3Pj6OXyI96QJ+PR5Y6r3Gg+amc+KwtQgrfL65nB6+EWYAv4xMHb/Wr0i9"
    "HnKcvd5AqLskf962FvNpvcaq5TwKlTM+XnSEuhf7Dz57OIs+aBmXPTiAT6XMpQ27UbF7PucoXz5qgmg+Kdy/PiGd2T5WXoA8"
    "wEKNpV/Gdb0iQsc+reT4Pk7Ntj3ojP0+jSCtPmIGt7ywV+g4ooI8vjRhHT7f4S8+TQUpPjLLsj72/d+9PAk5O4XL4DzZg0Q+"
    "/0uOPiF20j7edZo9PCFZPlw0M77I/1O73OPZOhX+4T1SP90+ZyfmPoG1aD6Da+E+fU+UPTel87c3b5mlnuMXvqYZMT4M85k+"
    "YVvdPf6scT6rqAy95HVwpXY3kTbzEFW+YfgMvsYBUT4BN18+64nIPDxiqb4MysW7mLY8NiJ9uj1wEky96VamvJRrdL4jKpq+"
    "ZlO3voD5UD5yWRenGyAqvVhhKj4qQUk+DtXfPUUPeT0to2m+clwGPjzeZyZ7Jz69uZhqvtrirr27R8i+YxSVPiYUm743Dis8"
    "JwPCOB77wL6mCqK+jOnMvTVTZL2Kvc09XxE0viKGuDtJjqs86p4JPhLt2D0N49s+5GoDP0znkb4GWMc92lOaO5ZF1Lu8G5w6"
    "lMzMPNlBuT6NqIs+wDblvU0XhL5BDpA5AtYHpsx1v71dg1g+Jtm2PmHVoD7yvzi90hOLvsfjESZlgoq2mXIgPHQXvT6qfq0+"
    "03UgPqZ5HLx18Qi9J4fZuty3JDZ/h/C8qrZUPvqZ8zy/Hq09+vutPncXdz5UMKY9ZkItp48Q2ryDVtm+/gS0PRommj7F/b4+"
    "EWa2PYWMNj5l4iUlIUO8p0o/TzQ/zTC683QQO+/oA7r0qvC2q60Zp+BHEaZ7ZrCmBEU/u5RvwLswEjG6R5Y7usohr7Iww/mm"
    "jau4pY2TRK2mN0C70p3EtrVJT7PkEBa1dhJfqBoMdienq3+mQIWltCAxJ7syI3G4elQ0qv04pbBFAo2uqqaRpmo/liatwKww"
    "fx1PvLLvP7o6cPu5sNGTNw9SUbMIFo4m1aIiJr0zjanda0a7zjNvugW4nrgaCeW4VOduM6WudabMlAKlszevJzP9tjiN3oM6"
    "OKobuZnc3jCSHn0qmbH7Ji+rHSfSTKwnzML4tkGUX7oeR+i3wH5wKqpKryferkUoUpZKJq+YP7wqpA8/ICqtPtDH177c67U+"
    "yZFLPoSCgL0VWM420KuGvfYYUz6STC093l8TPpDMZ76Zr9G+A34YvAIaZz2QU2U+kNaaPvRuvT6X96u+jt73vsCTnb5KOp+6"
    "dKEDPFLsE72OCmw9MaS+PA3yZ7wB4Yw9XeQsvm85kLQrs7UlIYq9PHqK/DyaftC7RnGgvkMvED4Le/u8yb5ApynZebaFCp6+"
    "3HpLPoB5kz4nZ6K+5JDFvren971hT5A7MbcWtuP22b2zMX8+pKs/Phq7HD7zHb8+RmDevUy2RT4V9A2nahhkPVkHyD6nEo0+"
    "U1aWPusiuT6213A+tKxsPs2vYiaudK2809SBvT+NoD36NQM/YVEPv0BE8r7wFpW7ql26OMiLkj5f/Yk+srWAPqltfb6mC3o+"
    "1ni1PjqU1bxg17O9TGM0vk64AT/VXqm+jIM6vp0i8T5R0q0+naFtvEOvAL23w7k9CAxTvk4qhD5+fqW+yEV1vXG5mL2c7iS5"
    "cByZJmfz9T2KTBe7o3E8Pty1EL4XDY++cQ6FvgrHEKcRWAC38tZJPbqD7D79BBK+CdeRvUuanz6+aYs+krwuO/gf9LZm3Hq9"
    "fT+UPnkQ17y/swW9FhRYPmyY/T4niou+WFNIJjexlrzwidm9c4B3PpNiHj6AP+K9/ei2vMDBiL4wPS2kr8qzvD40wD7Wgoq+"
    "PtU5vsDu4D59PAO9+e85vdS3YzgxfoS+koyGPXLEqjx/zKK+y+TnPTWccb6CX106M2wrPA/zxj4sLyI+B8/aPgn9176mHfW+"
    "6nOivsLb0zuuQQ88AROUPutaaz6f5so+K/tJPtu/7r2F7MG+W1WhORz05KVOZ+Q9my98Pj+hCz6Cxhw97WcrPZaXGz54iQ2l"
    "UPeGtdLQG77wtiM8sBMBPr5bHz+KqG4+x0W6PvQXZTufpK02fAYEvZLH0T1XRJi+McAVPqccwj62hS++4iINva1KA6dY7I09"
    "Hbm3vTCy7z5QL2E+4B8WPjrn3L68A365FNzIJm0Rs6dLisW6e5c7POmLurw14/83ULHtqZNinqe6phwnJvyRuAy1fTz5iPi7"
    "uMMQvHkB8bsEXA60WEQeJ10mISe+gcC3K9WAu98HFDjT6z684lgevOm7GDkut7smWDzUppsFobOe2Cq4YiZDOUU6ILzA6ea7"
    "c6wbusaV9iVmm8iltizIsyts1jZly763O/sCuwM6k7v84IE6UzVVpniSHafZnp+zCCtoOnAhIzeGLN21yqYyvGAulrtSBIAm"
    "S/bGpl60WTaTpoa7FvIjuvmj6Lsz6yY8AeApupG/w6by2aMl2kNCps5l8rtWyVU8KgwEuz8ULLwypaw27nuJp+RRWabgZqs8"
    "8n+DPjTNMz6gliw/OI6PPqxvqj6rvt29l8RRuNgzUT5HYtw+uNgLP4Z3i7yaFH4+fTr6PjwD273Iejm9AYqQvbDx3LwYs4m+"
    "eAgSvnnrbz6kgzC+y1QpvaQ2dLyH3848t6X+PddCyj7o+tM+x0a/vIF1g755lBC6oP9LJqE3Cb5lC9c9YJoRPr8zLL0waA8+"
    "uKaQPsdNE6bCrXm2LJ6evil3xr4F6Ru/Mjw1vQpVoj7/bZk+/h07u4h8ebX4Yo28AjRivnhmkb43CUe+MAUZvpQeLj7ZgiW+"
    "tduVpfMxhD0HRG4+7T2UPt+yrr1NoLq+9U2gvq3ol74wA3ElvckBvfr3nD1EwPo+lVybvoW4Rr6s6su9EIrGPSYRBziWOLk9"
    "YRHFPatj1z1H/5s+Cei3vEpGpb6uFsU9g2JAPVV/hT595t8+72qKPsdgoz4zFgI/Vl2fPkjhBz18xsE8ZKHpPSkzvD4rOUK+"
    "/kRvvWVr5T5WZgE/OuLGOVG1R6eEcl09e7bdvRz9s75BVYi9Ml4oPuEbuT3SSqMlMzkzN504fz59EgO+zVa2PgdKBD7teaW9"
    "tQYHvzrDhLqxWio2O6gJPuzu5TwongE/05r+Ps1Yrb1+fCG+9OOFPngNKSSe9MW9fpCJPimAHj4mcy0+Rm2aPnwKuj4lqIE+"
    "DtXPJT/4/LxD+Fi+xyR+PY5bh70irOU+JijGPponAD68oP82NdMAPlN7tL7ZN5o8kflQP0icpb5Ja1++oMUAPvyckz0zMro+"
    "t3BEvn6nij7qRIa+D+v4vncIDb4ZPlI959pqPfhlMb7IZ+C9yJ8Wv6PmLrxXLTE+uRogP4/Y7zlwKxInYsSlPo8IAD/TEY6+"
    "Sze3PlUACD+scfc+3sXYJoP7cDfqnKI+dCjTPn8tsj5gRvg+3jSAPhsgpr6IYB07M50IN9aDLz7Gq76++K5gPn/98D4y3bm+"
    "zOoiv1hYGj1I2pgmZNEcvUjXOz5y+r2+vTyevuZwcL7Nm8A+pafaPUht26ZIt2onRRNzNBsFza4jMiKzJOCXtSPWKq+438Kn"
    "PslLpdx/kK6ZQ/C3qB3eJpEkO6mndR2qaZAaML48KifnfRomIQqDKbj3CqoQVo8ywlzIpwrkZ6gH1WQoXoDLppo0mSWrV9Wm"
    "nGZwp1KY+iaEIxCpQ8WbLIy0Aqo2dBun6VzhJbiRAieG4ZunoNMZKRYM/KykZWC0OP3iJv7z5KXpwRulI8gJJ6WePyjfz06n"
    "RzDGprBRWCY8Fp+oYLrzpRCMJaYOoNmnuSUSJ4kxnSdIhRimrPyAqHzLBijg3UgkMsJ2piZKwiZ41nu2N5BKL6QqEigjPtem"
    "jlrApn5pXyca6XmlSkWLvT3XKr6YbZc+kWd2vsDnvD0rq4+8bxsFvciqxDapVYa+tMmevvynJz5rQAS/6qCwvI6sib1EWvK8"
    "8OPjPCgkKT6SS1c+NHrPPhIzQT6IUJc+lRnUvZ1ySLw8KUE89ZBaPhDpwz445cw+0Qj6PvBthz7oVyI8ZF2kOIEoCadD8QO9"
    "Gg6HPjoIszyIwQa+LaGPPtBdTj5M0TgnFgCLtMX+1r3/Chm+XwkZvyz9Zr7t1rI+VEP6PSrL+Lq4rZ816wf+vJ+z87wkHYm+"
    "ijAjvmhCuz3Cy0g+thbnPUBd/qTSIaq9VLxdvokKsj1a5YA+60LMPpFWBb7DakG65yU5pfrdID7dm6S+du7FPiVnPD+Pmym+"
    "eo6BvvtciTmsBYq5rUSkPOGrwDuahDg9N7ShPo6ks735GBU+ApoIvQsDGbhipbq+MhrqvvW61r7SCfU+ziEEvuWulb1Aeq8z"
    "MdqCpioUnr1rv9m+G4+2vnIjTD4TBRK/vlGxvjTY1qV48kMlG4g4vghY4r1osCq+S5bQPgHtP77hLDm+d9JnJiQId6XOX+O9"
    "zuYXv0hvH79XW229bWKrPpPGJD5xAvG6wMcYpP7Q37zO6J09gbG4vGgN2j7cDkM+9v/fPiN7CL1rlbkmcV/JPZNBbz6UzFc+"
    "VzMyuwlITroq+ds+n0+BvYKVgaaXHQ29fyKrPjqnnb0aH04+25dAPjNTYz1Dk2o9EDgzOYxp+zzau1g+1cMrPrWUQD36iLo9"
    "QmLkvSGBLT0gqAW9S2+BvcFFgjw6qy68OhzGPhctgD4lMTM+k7M7PIeCcrzaqaA9/Ya2vNu5kj5fYMk9PqiXPs6GUj5uW344"
    "7PSzJU8GyT0PnAa8/1EGPy63+D7VLwM+86uRvo+VzyZK+4021GKePunScz5Dm8A+AR72PgZPhz3tFg++CGJ4u90rjTZrOBo+"
    "lmSyPt1yjr6TUmy+iwtMvp+a9bwq21S7ur+PJeOGVb3KDO28GjL1O5tQIj4EeLm+XnCDvjAC3zzJkIem/iQYvE9bY75Q0TU9"
    "dNxsPlMpx764tMe+owRXPQjzLDjcPR4+dXjiPYwjDj7s7o69V88qPjaGzT2RAxg9v2MvvWmQJr7gr+o+vuy3vSAJy71Jw+Q+"
    "8WXSPmIjNzwLgCm8lJURPpBL0T1rN+u9o03RvtkrGj4cmnQ+c0sVOb55IqerrIo+eukVPi/Prj2Q6Xq+ADaEvZgYoD03ioOm"
    "N8p/toOJID5S8c0+woGrPqzBVLyYCkA+bwSXPo1gsDspr7u2/OZtvTv/dz6/O6U+D6m5Pmh8pT5dnZE+z4sCvsRhLiecBCa9"
    "6LkNvnsyNz7gyXs+UdK2PQFyXD5QBcC9cuogJpozmCZCOoa1ikQXuohDUjinNyuyBCIxp7Y0lKXEID4mkKQmqDKVDzqNebw5"
    "lX0juj4eFbrES9qn/nNYJhyaICX/R7SxC9qNOkn7qzD4C9IqhJj7uUFoA6qUx8MmxoC+JoGcSbOQeQi7UYr0rZHMkqtUS0a5"
    "zGSrNv53DyY481Aktdl4tNmCFbl4MF2p6Z8vKHw3e7knypg3To8pJp9SNCUGG1YqeFiuuezSh6gofRap+rswOctwp7YiYXym"
    "Vn9BJrjt0KY/NEq6jqKbuc0PMjmffTW5bfUMK3TNgSbsajWm/t5LpulO+bR8PR66+pEVuys1NbOi3SUmwygXp0CgiyUK6Dg9"
    "YlDIvV9tKb5i9R4+XWr6PvPdlL1t0oo7PTtjt4QaED3dvT++L+dmvkGcOT8FQoo+VIx7um5tjLxhmAA9qPF/PubJ0r6jiPg9"
    "ufwPP6d4S76KO0U+mJiHuuHYorssYXG+oHwAvw1Uc7yDEhk9bUy3viynjr713RE0Hl3ypPtNW74NAGC+ZgCuPRSP6j6asTW+"
    "Pr3EvqindyaX3Iu2t6k8PYqqOL54Eu4++rxPPdaCZ76Ryji+7LmWug+71zWLVni9JfGAPljDhz6YIL4+humDPtaRtT2fTnY9"
    "LP7pJB7vXz07/MG9XS4bPcoLrj4gVp4+bT6/PqzUXT56eewldy12PIrtg74feyC/dAQ4vvKalr1oUkG+CAyqPQ6Z5bgHpwC+"
    "Y64fvrHAP73mIBU+rCNyPRZYc77a6Jw9UNn2uzV5kj6KspQ+HUi3PhyaqL6C3C+/pVGYvoxXFD1FCIw830zwPJuJrD3wlCC+"
    "4NEgPUjbrL6zZXW+/pLyOeRs8SVU7us+279MPomw375qLas8Xp7TPn6sBj+B6TGl01MgtuTdZT7jCAM/srEWP112kT6NHEU+"
    "rtFFP8vvTzzeE6I2EmHEPRFoCz4PBgM/+vBRPYMW3j7MTgA9H+KBvvQXraUwiwA9Mh22vtW+wjz0h1U+vgspPqXOGz5y+Hq9"
    "lgKNpsjBf72vkcK+veMEvnRnsb65oR0+c/eQvmVU/rs0wbw4QZGWvoxugr4ASWa+awFPu/glnj6h/DI8o3CLvKA+rzyssDs+"
    "nJg9PbU0sT5RpBA/+guRvSbX/T179b+7jnISvLytrr31cMi9EjLTPrWBaj5IR0K+C7l2vql9OjlKfWqm4rtrvmZ9FT1jrqo+"
    "43ODPmnUl70069i+evHspXdYnrYoHPW8NqtCPukn7D1TvJM9j7jdO05dAb4glWu789CkNQQNZ71UwRY+k73YvaZazT0O5PE+"
    "jcuSPk1ZxT1ZORQlRtJPvbn49r6IAxE+4pbpPpGnlz5Yhj89KI3nPQBxuKUYQXUlSnn2tI6d27i1NWY2UOnMJlQn5KbppDcn"
    "eNaCpOtUrzB51AW5twj4t1Dy2bd4ajaqzDkhp4paPiZco8olAgMZsVaXALfaEt4pQjsDtyekLKocdZ0mnKUGpn2hzyV3WLMn"
    "Oyv1q9Z/3qvFuTA2H1yIKqeTKCa6TqCl7H4UJVht9CQMxkcoU6+kL5sMmjfdsXwo5IiYpeRzHqXYkKAk0tj6Jvpmg6UJt1+1"
    "Rf9Jt0ko06eIAAynJBitpuxueiaArwcj8r4jte2unbdsDl83e9AXtXGJVLBYJu+mdHTKJTmdJKeWXlA3tWqJuJXz5bbERjG1"
    "PEaksDiCtqg2sb0lPXdwPfJCrD4Ydos+0n4dvq6/zD6TjvQ+Vb6cPFwJYDc37Sa9mGhGve56AT7YtBA/mnSyvWd/gL5LZiY9"
    "H+BwPWQJLz7UsBW/XJLcPpC2JL4Q+vO+MpLbvv8ApDyLzC09cHKrPKhx4j6OkJe9aUn8PlHEcz0vYDs+lBI8OR5moyZWq7Y9"
    "NN+APlMKaL79WIw+cHLCPkUUGT9s6rallS40N1Qhxjwj7cO+5abjPbjbiT5xU5c869AYvm8Bfbl5Qio3+5MEPtLeL77ozoY+"
    "a7ZKPVrBu76V5iW/OGzZPBwDdKXLwk09v0zIPsAPBb5nZMG+eqtgvrCgjL7Fnb49xLTCJUbSZz3nT5c+EMbEPk3r2z5Rmrc+"
    "UAsNPrU5Ib5bkaa4clBhPhHMpD7uTaU+pq/FPvZrlT4rupI9HIXovdyhTTtR4Ik+VYRcPtN6Az0W07K+sGDrvcYB1b4Z/SS9"
    "Rv/gu5pFXj7mnog+sBtePlJPYb3yHDW+h1Dfvoak4bmZFMcld8qWvQwUHr5Qeb6+/ugkv6xau742ZEI+3BaKJtPdwbbb4DG/"
    "KNBVvk0BBr/7DEO+VBhYPphlXj1zQ2I62l0eqHA6er4ci5w8RDkvvtoP0T5m+LI+f9h8vQOLXbwygx8nwXsNPtcgjj5N1dU+"
    "apgGPlKkIT4/5Pe9IBNivRzOrqWrxhE+KO6IPgAlOj5WtRg/heSlPk4fjD4sSai9n68vudTejz4Deco+VwZ4Pqd7FD9gnmk+"
    "AnyLPj0wuL02l6G83XhlvNvaxr6dk76+N1KUvrpLz77Aj5y9iHbnvJ+5Lbz5BVu+crj1vswO7L6JAno+5xIevjet5r7St9y5"
    "ypu2JqoiFT0AkL+8Rr3fPeTBfz4QcOM8rjWCPsY/Qid8VCW3/zRHvoQDST6zcg29zikHPYX8aT7KKwQ/A5WlO/Jl0bYmhCq+"
    "wFuYPnGAbD0/2RE+ZUHcPgTFZz7/XWy+nFr0pY5HNT5xeos+eqIiPiMnCD7I8CQ+a05PPki0270cxbcmoxNZvcO1477TNKs+"
    "Zlj4PTtblrxNuSc+QSYOPdUWCDjJpUa+1C+SvoOA1z45KqO9Ow/QPRzFoz7jJFq52mGGPLV/dz0hoLm9H7HePsU73T5DmwY/"
    "xOPdPVQ99rtZwS0809nVPBrY7z5eV80+wNCePuNnRT5QBko+B+gaOMU8MiftPlK+g5C4PTYTtT7t2J0+yhFWPkHPsr0NH0Wn"
    "yAcIN22pFj6FJsW+LUDwvpK/ND6Mb5o+F2EnvjPUHbxyRNA26/EaPt/wi74Oaxi+EGzTvZJ66r759l4+ggQcPu71B6eVF8e9"
    "A+HQvr6YF74g2Fw+XhcAvinS8L2FpD89idjVpidSsz39qJE+zW5lPn5A1D6vMuI+9nu5PrBREL52eNq4prsdPgbMkT7hFZY+"
    "BvwLP8NvPD4uTMg+eP0IvotE2bl2qvw9ctB+vip4OL6QcCm+t5fzvm0hg76fMkC9GO57vBskA761rcS+blGePAn9vz6SEca9"
    "eYzrvshaD7ofVCmmvrdQvjgXFD0FuJI+cqKQPXEHrDq8rVq9e0p2pvBEFLeuUsu+b3Wfva31tr7Q9ei8CvcMPmf5dT7VKcC2"
    "VV6yJ92vRb7LoRo+476bvvi50r1DDu4+eSeDPpYmr72Qh6qk6JIgPnkNjD5U6cI+/MCbPh5vkz5rU7Y9WGRnvXyGIKbixwA9"
    "fp+9PDS8vT7pXyY+ym8MPNOceD49C+E9cR4ON5pP9T1xBQQ+CKdYPdu79T4EhAq9pIKivbKdjD228B88/RXDvWApnb4V2ny+"
    "7sChPlEK2z5wgoU+rpKyPKRF9zugK8y9jYLive7niL6YxoU+8Xd1PlF/1z5N3Ck4lbstp5Wxnj1dYay98lJFPg/4+T58W4M+"
    "XQ49PVlkoCYPOiU3DnPEPjqrSL77UPQ+z1TmPdEqw70veK2+ystyuwqBpDY9+C4+vXfOPJFAaj4PYHA9Y3vGvqpZD75ZqK89"
    "+1C6JlSpcb2IaYU+tCmevhCzM76uqze+IgovPojHAj56FgKmMgGMPXEaFj69I80+GEcDP8AqaL79toq+3oHHPJ7VpLh0mqM+"
    "EMh0PmGaED5+1DY/nYslvY1nQ71IU3M7o8cmvBbFZL11x0i+dfGDvtoWyj5czik+psMcPmzdVDvYKke8XTMqPSDE0r4EcqO+"
    "Sg/DvmJ+HD1Nb10+qK/CudephKXRnC4+YNc5viucjL7bGoG+dUXYvQfxNz1GwJkmBDPhtttv0L0B5vA9d8FtvUwerL5O0TS9"
    "Qskhvuh7ojm64lW37x4gvmkOij262K8+wa3YPuyuKT6k2hE+vdVGPJj8IaaEfCM9j6TBPoe6xz7Kqta9JePxOkWztD5pPv28"
    "UEsHCBRuiecAIAAAACAAAFBLAwQAAAgIAAAAAAAAAAAAAAAAAAAAAAAADgAEAGFyY2hpdmUvZGF0YS8xRkIAAHQGxz7Wwr68"
    "2iJuPnbIPbXsQXe9I1bWPeVLYj3Pi8y7UMCcvc+dBD9pEDk+rc4euzJTHj4gooM+yvmAPX/4Dy6zEEu78vESvdlj3D7vwbc+"
    "2vevu6gL3ryeqLE+/sfyuj+H2LkYkcS9WlPpPLq0Bj5wivk9zm6bvX07hD5aLiO+UEsHCPWSyCuAAAAAgAAAAFBLAwQAAAgI"
    "AAAAAAAAAAAAAAAAAAAAAAAADgAEAGFyY2hpdmUvZGF0YS8yRkIAALGNoT0f7gm4UrkCv56DSDGKb14+48XTPQq4mr69L/M4"
    "Vnn7vv7RGD6uCbK+vIKLuXpz5z7c1ps9BcPVPYFo3Kg+g6o+WwUUP38Eqr4lVUU+7j1KrrJRkL5kfRK/LVoDviy6nCb9VKY+"
    "WbZ9PhVVKr66/vA+2ZQ/vQm9GD7A+ZM+LpPyuph7zTcyz/Q5SppyrTniGTsB2lS6l8gwuwdu07rTeQq7gw9LOg6wB7oPK68s"
    "waZ5O+ZqgDrSBMK6GNgGp8tFfrpLwQA80yUNu76q1btK1AOn3ZXeOvHmCru3F4e6GjZypynyKjuVlso7sq+BO8S3CzpP0EI8"
    "AjypOWAxZjupnik+vDD8pBFioD4CExSyoSDRvneeB780nji+KDlOJzmVu75oQfK82S1HP72327d+7Q8/T+stv9UiIT8UOiGq"
    "UeHsvdUPgj4dxYu+pbfzvfp5X6aVkmU+95LDP1LBT76+wTklNZZoP0fXlT7oDn0/dRk1vn7KGT93Laq+TWIav8MbuT4YDYI6"
    "pfHvvZNPGzBeI8U9G8iLPh6d7D2dtEi6pYYiPs6s6z75W9U+k4UqOtth5T6c9pm+sD0Rv723C6cEqM4+CT4Cv0/7gjv6x2w+"
    "fo+9rlzC974iyoY8hUiHvPZCyabHR6C+In8FP5UOLT48YCu96LC7PrIEGr/hOoG9WtXivUKIEyh1hua9uws5McrFxT7FkX48"
    "pHy8PlWu4ibe6re+waV1PRQH8L1WBRi2gpCqPrzogr4HxsG+naFWKK+TPj5tBaE+b1i1PrihPr5/8v+m6fOdPnd9Pr4Q0cQ+"
    "mKksppSxNr4Rsm6+AaqcPjPKCD9F/MI+Nk6APocyvDwb1nI+FFqDu+z+575EDqMwZ/LQvM+KlD4Ovr6+9AojuJc8sr5ev0Y+"
    "/48KvhpRSz1g6Ns+KeidPleNnj44NZKpW/KMPmvGAD51CGY9ToeKPlQZZjnGZwS/zOg+vj0/i774eLWlnKQ1PrcgsD62Uei9"
    "/KSiPruIrL6pFlA++TR6PqjGdj184QSmPLziPqjhH7CEECA+FNbRvvvClr5CQcylF64DPy8O5j0hnAA+HXNiN72zgb5rlLE+"
    "XUQ6P8ZhwCauwu0+dwoRP18uNL953rg+jqNiJrLxyb6p5ZY8Rf4yvmBm4aVd6D2+5YgrP8A1yj7K1ae+mqfjPuNaAL9GNPc+"
    "0OHFPZ2/Gyc4qAK9pndmMRu9kz7jJnI+yZNPPdTBX6cvVty+dx8AP7AN0jxnc4Q2yXenPrML9T1s2D+/OHydp0AZGT7+6Z4+"
    "LFGDPkKLhj7dXbOmWZ8nPXf37b7f6ps+6CPlJABDCr/xmpw+mybxumGNgD5O8TY+wN47vmbPiz51Vsc8X8y8MWp2wT14G4yw"
    "ICmwPlXy3DwiFyo+F0HpKg0qXT5y2Z49cWELPigQIrqVn74+tRO5vjZRO7wNNnYpga2DPk7Blj6E+YS+2hCJPVIw5K/Bh5k+"
    "b1+9PgdbBj4+hnkmm3hWPn3p5z4gas8+zdoxvnwI+z41+WC+r9OYPmHsLb5Qmxc8qWbRvrFWITDpIAs/YgXfPqPAVT2t2GM2"
    "W7bLPlDT5r6XhAQ+E08eN4M25D5qAxc+918ivpqxkCndUco+RhqTPp0YfL47SgC/RPF4parsZD6ou/G+e6IWPvULaKbm5AE/"
    "7R3LPmWjoz0Vi7w+BF7rPjbUCb5j7NY9CywbvUpxKichf3W+iOEIMXVc3T68Jf+8Vb1uvTO/o6ZIobq+fmeCvoVmAr9dnZ83"
    "lZATPtZOrr3XFfk+s1xvqf6QEr6NhVA/9oyDvEoapTv0DB6pZXoBPqAIMDz6Qua9QhqWJkCxsD7NAau+C+CjPj4sjD6JFmk+"
    "Ba7mPuf4lT6zzmw+mFIVPEC76z6qQwkxE6/fPr3Ht76zbku+1BpmLQ+cvD6ev7Y+ewb7vi19erpi8Bg9KhwDP0Tvf77Q0pWm"
    "WIdovnKjkz5Zwb6+x+vJPtSjs7XxRhI+6YsLPrv2sr27SxcovAu/vlzv9T5bV6U+VX0Nv229qT0dCX69uCa+PuF8UD1oyPI4"
    "jEi4vXoKOLGmTeC9HO3ePk0t0j6dHJCnqPmWPRyVlL2wkCY/2vwjt+MB8j5vkSC/SKwBv3YxkClS4s4+iqy8vh/Elj5xIbO+"
    "ZVW8pqNiLr1nRo8+1ufSPgVu+iZKJGw+II02PoEP4T4E5Uk+jy0tPwF55L6E3+6+4dR/PhaqOCjX1d+979+ULyfoKr1NmOo+"
    "HjlqPnOq+y36WKw+xZW1vt8osz4nvpo5N/9Fvufmvj4BZYE+Mk6UKTxP9j7LlaK+ch01Pt05M74ut8cnGUAOveCBpD2IFog+"
    "pB+7JYo/uT57BqC+uK/YvorPvD4Fdhy+u2qHPRIZAL8r1qc+8V9rtoMFBz9f/F6weTBjvsnW8bqKsIY+V62WsQAtLT4qpuk+"
    "qonvPbraFbUUIsW+YzMvPuafDb4lbIQnF6YGvz6v+77DVtY+Yf0IP8ICLKoam80+8OLGPmAYVT4ORVYmHKHNviGAOD2bP7o+"
    "KygFv20NkT2eNwo+8St+PiKkuL6sDS68Tta3PvI6ZrGWWEM+nqdvPh7qh77KqQC0aHCJPizAlr6XOLM+DQ6OOWYkvD5x+7C9"
    "F3K1PTCJCyrNlce+viyRPvAiOj5R3qW+9DjaJu0Pzz5Q/dq971swvmKtL6YCxMY+yogPP6iY8T53LZy+YKXrPtLtgz5I95M+"
    "wifcvvEi6DqfooO9kVaKMMiTET//VcY+/BQdPj8pLriYCt4+kUG9vk3Na76hzhS7ZdgcPmibbD7eWTm+RwUgKcoWu7u4HlU+"
    "64kWvauBkb5SVZm54COoPs+/FL9sB+k9NgbTJvjdgz0IN8o+k028Pgvbqz1v8b0+jvGXPtyhmz6TuNy9U9WXq3ii4j0LQ5sw"
    "DI1iPrU3Kz5Y1qU+XSItup7aXL6pv2e+FOVmvbOPnzyC/oq+YlrAPrwDWj5+2CUpNx/oPIegsD4ABIY+tJEgvuKPMrneFPY+"
    "N+87PTAC0T4DIS+nea+CPirbn77d9/C8kRL3PveXjr0MFcM+wBtEvkuubz63l9Y4zefjPhp7jC+KmaW8zdybvqmTtz5hDkuw"
    "9n6nvTtoAz8fxFE+P3ycNf1gsj0eYoG93gTTvqaChShmyH2+rNqzPo2Oyz3CuNg+WfyDJ/4N3z56BKA+l7HxPjAj4qbdOQ6/"
    "E/bYPVmC+D59cIq+vQydPp8zLr4pwZI+uzCwPksCbKY3RgY/cBTCLkzcmb6ZnxC90Q/IPjaxYqVLk0Q9Yi5aPp5gUD6AGg82"
    "c1yDvk3UwT5L1DA+TzREKS3Fsb1r25y9iuiqPtLq5z4oEP0m3s4AP1rHpD7SM6U+wzOQp3A/H76tQPG+JPimvt08Hz1QwNC+"
    "/wqLPpeklL5R6xs+uX/4NaLrSL4OOKowUSohPsRtmT77kca+jMyIqOBm1b6bXfo+oIT0vRvvhbwvhPw+XHkjPlC4Gb7lc/Cp"
    "fVldvQE4Dr//H/g+YjmSPvXYojk59wW/sZ3Qvo+xzr5GCFwlSnkCvncfiD4hNsg9rx7HPsU8UD4cFIA+hmiUPsgfPr4jJ5os"
    "GS3BvMNWwbDIBKE+DXa3PkdbBL9JIawnZrnqPl/C+jvF26+9cGPQNmFnrz5nbhQ+8JNOPrCa9KmsgWy+otfnvtRaez4h1PG8"
    "PklRJttnC74azLy+ZnPHvsj2MyXB4pg+F4XiPpIZxz6Cnf6+WKjhPloekD5Il/M+nTZTvhrRnjr/YJU+bW1vp94hbz4Kyrk9"
    "eb9oPideiagc6oQ++JT/vs99kL7VSug6WFPnvnx9Bj/n/i0/8TLmKHCs7L5uGoM+WYoZPlED1r3YLGy3YN74PrIGtj4j3IE9"
    "LQOrJ06Axz4a9Ym+14SdPpbnCr4QgC8+1pjbPt8zLj75t+k9aCYapzxnMz4HK1MxvOiPPlqtR74oR+s+dI2TpuYrB75bRcA+"
    "04rAvZKN6TWvgVe9NtDOvT7nHL8IlZAoOHWEPEaCwz6CfI4+J210PsOyR6UFo8w+JP2HPKZr4D4iLYYmnJ0DvwbYur5WfUg+"
    "7twJPm1Tgj7UCV09hmQaPVkFAj6xnw63WxENvnZYHy+j+ZW+vyfRPqV/aj7TOHe5T4CMvHaM0b3HQt8+4ubMNU3ZGj5P1cA+"
    "W2DrPeBKQCma+Io+ybb0vgpO4D4s8Em+uQeXsobtwb2bMdm+/nNUPiKPJqiaHng+gCJbvcLB5b5DKsM+TvUevqBdCj6Sg9a+"
    "y32CPsPb+7ub0C++ILBjMcqCBT5ucPY+XsvFPhC9d6jwaII+ssTJvHILxz22d+u2CZ68vkOGyD5vXV29z8raKf824z5Iyrm+"
    "RSAzPr17aT4sqgWouD95PUxDQT6r0QA/7cwkpsShp73CSKW+9TkIv7PX0D4mIrm+D3vlvR143b474kQ+SXJtq5oPFr1M8oGx"
    "8Lusvok9yj4SaZO9nHDxJCv9wD44R7e+PB7pPnn7O7dfNNg9zPFevI6A1T6awRepPgKHPuPb1r6uQ3I+75Z4vgh0oyUdDZe+"
    "oDKlPvPirr7LX1snlBgLPx5S7DwaNfg9OeBmvhOw9TzmIVY+FyTdvvFNGT33THK6O1T2PuY3nbHnepW+aNxAPoefKz6oA2As"
    "f+AVP+IZAr9jVeQ+HMKSOtXIc76xmSM+0lX+PlHG2SlsfaU9Gs/Uvn1RMb5bEly9B0oBJyqhwz4TR/M+cR/aPSryGaeLbtM+"
    "cBrGPlDMkD6kIxK/2tRIPmopkb4gYEu+MQgAPvISjKVDPUq+5nOCL1DUkT4GLF0+Q5jSvhwK0qkPQly+CUaCvaWRpr4TXcuz"
    "3FOTPt7RtT6Q9RY/Pu3WqeZ5Gb4rYZc+fHvkPaFHGDwRIcAproO7viFlgzxNfQO/+oiiJsRy3D4xfBs9rD6oPt5CTT4Jury8"
    "0cetPlyioj6CZK8+zSnnKt9mSz6jdCexAX5RvpPOPz75O5O+z0OZp3F0Gz6w8Zi88gv6vezlQza+lgy+DXrlPsbaKz9AxNep"
    "S+ydvm+Snr4c798+lpFwPtv3caY2XVC+mRkIPwwGzr5daw+nkN/MPsTUtL72lE8+FnNJvlf8m77VqQE/upLXvWj2TD5OjJS5"
    "95mVPk1CK7EqK7G+icXBPjsOjj5wMXy3Ey3LPvPopr66OqI+UF7utAMFwb5XIA0/5xAdP+hFEyqbtYY+SvOCvmO8ob46znE+"
    "qiUgJwbLIL4hRow+VXsuPui9vSaWyOA+eLjCPj8H474ycuQ8MlWvvvW4RL65JCq+7m/fPsCTOzqNs2W+kOTQLzjGbb71RoC8"
    "z6ibPeUT8C8OYiW9sjCRPncVHD4WDHM4t6KePWdOpz5JCa0+/jWJqT9BIj5cg+e9WPo8Pv+Myz5UeIYpLGm8vsYRGj5hyUq+"
    "yw4OJwf/Uz4mRtW+ya0wvnwkYD3ZObe+Zx2kPUg5m75QSwcIhZaBkwAQAAAAEAAAUEsDBAAACAgAAAAAAAAAAAAAAAAAAAAA"
    "AAAOAAQAYXJjaGl2ZS9kYXRhLzNGQgAAP5GJPge4Bb1dlgg+MlRmPkrJMz2SknE+c4q+PIayEj6FsMi9s2UUvv8qhzyMB9a7"
    "Fn7RPOyazz3GvqE+d6MlvigZjT2dG1E8mA4zPpsOGj5eQJU+G86ku87kFT6lC8k9/oOjPgmAKT4XT2U9UyhrPWJSBT7RJxw+"
    "+u7uPVrWxD5QSwcIPdg4z4AAAACAAAAAUEsDBAAACAgAAAAAAAAAAAAAAAAAAAAAAAAOAAQAYXJjaGl2ZS9kYXRhLzRGQgAA"
    "SvyWPkNjV7vUyVI8NrifPiwmG79k1Qs/kxJWP4uDLD4mDz49Swoev8yij743kAE/yessvzk+477l3a8+wuKOvjsjE79+Ytq+"
    "8OViPpqQuz3gUtE+Ipi+vRenyL5SZc2+TtpKvlTjHL2cRYC+ctvcvfBtmT5Jy6E+yqLxPmXPgz4iX6u+PJlBOajYX797Id2+"
    "pJm/PcJ0u774W94+xnTMvkIWEz4RYt4+2Z2hPXSEAr/cqvo9krT7PthxUL5H3C8+mhCzPkB/HD+6ugS+CQyePrBGBb//svq+"
    "I4cSPz31Gr0+Fpo+P30HP3SPJL3r4wc/rfWpvtkOj76cgyo/MrH0vtR7077VgIc77t8nv+fkBL+V5Y2+4Szqvp/0ET/tGJa9"
    "rsSHPJ17rr5YXQs+/ag2P3xaOb80q7++S7gAPz5Mvj5rzNE+QyM5PtkV2T7Rs7Q+hPf3vqy40z5V4C8/ucK4PtgoG7/YgNS+"
    "I8HJvsrVrT428bq9VmgaPie1ib2uu12+RfP0PuJC6DvVSIA/31BCvlelzz6Lvdo9fd10vumxnz43qtY+hj9yPrgyED9yTeQ9"
    "HgBiPiHENb/N4e++zgXhPszOVT6l0JQ+G1i/PrDOwr4tXTq+YPV9vlH5jbxIwZ0+ZYz5voBTIL8cXu2+uYGovvqsbz5r+Qy/"
    "uEENv09Iyr6r2Hs+xkzXutjjiz/MRAG/ypWsvr0DjD7K2BW+E+movjZlab/39Y6+W453vn0TAr+8tcy+CMffPkxMmb5YccK+"
    "SJKgvseB/z6Zs+K+Xw8SPyV+gb5wVRe/McdwPdHaa743kwc/kuKnPoTKlT7CqP68Q0NbPYwT4j5so+w+KC4CPzFtXL6vzxg7"
    "XOUXP1c5sD5M2f++mIuIvErBuj7byNG+WZdNPuHsDj9DBCW/3ZZGvkRMND8v6/W8xELMvhbfGj8ceGk+hPetvrvQ1r46UCK/"
    "8XAsvHjPED8oNSe+xPM4v9+nJT4VHvy+UMkbP+z+Hj8KCM88Nf8hvfunlz5ZEna+wR63vrPWSLpjMFM/z4HfPhf2wL2kYuG+"
    "xthPvigUo75je8o+E13vvo55XT3ai6o6GooDP8YNSz3vcnk+0fTmvqGfAb/hUIO+St6qPu9wij4yWOC+5LrLvox+mb4J97M+"
    "o1q8vqhAmj4kn1g+qaudPkPK075Pd9G8X7CAO2eGlj54pUs9dl/Au1Jpij6cO+m+ompjPaRKfD6Suvu9xWgKv0AFmL4qR0a+"
    "+x8hP1mV6b6+xd2+3ceKvZSCmb5S8TM+W58DPg4BoT4bvua+x4Vjvrg59T5HLAg/BOARPzJhw74Y4m896OGRvmR61T46zIG+"
    "hiUcPw9tOj/Yq8y+cFv9vBtPbL/N0h684EHovnkBBD+I9bs+pnCqvsHN1b9bJSw/6UNpviXc+76VCmS/CCDEvkndDT+3iF2+"
    "Y7ARP0usrD37Ipy9fV9pO+FXGT8KMqk+JWP2Pmq+hbzzluO+qUsKP9HVvT4cLME9sGTEvoakkL7gcyS/CJvBvvQID78viaC+"
    "3/flPlbog7qrH+u/1kzcPp4elT6R2Zw+eboPPsdjDD8qo1u9cWcmPz+NZL1NCZ0+a8J2vT7L8LzNQRe/P7CUvuX/8T6bnnU7"
    "Nz2Ivn+nD7/LAJE+OSjiPbT04r5u21c+bCwNPtybrT4kCwC/72ErvwXXzj0q4Uu/fP6xvglpKL5QSwcIxS7KQQAFAAAABQAA"
    "UEsDBAAACAgAAAAAAAAAAAAAAAAAAAAAAAAOAAQAYXJjaGl2ZS9kYXRhLzVGQgAAJo+yPNJVhb4LjTi+zTg5PYazIj7g0UW+"
    "+/0zPifIOb607wQ+obvgvFBLBwjcyA/uKAAAACgAAABQSwMEAAAICAAAAAAAAAAAAAAAAAAAAAAAAA8AGwBhcmNoaXZlL3Zl"
    "cnNpb25GQhcAWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlozClBLBwjRnmdVAgAAAAIAAABQSwMEAAAICAAAAAAAAAAAAAAAAAAA"
    "AAAAAB4AMgBhcmNoaXZlLy5kYXRhL3NlcmlhbGl6YXRpb25faWRGQi4AWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa"
    "WlpaWlpaWlpaWlpaWlpaWjEyNjg1NjczOTY5NjQ2NDYyNjExMTE3MjM4NTYwNTMzMTM0MjE5NzRQSwcIGMF0xSgAAAAoAAAA"
    "UEsBAgAAAAAICAAAAAAAAPJTaFzzAQAA8wEAABAAAAAAAAAAAAAAAAAAAAAAAGFyY2hpdmUvZGF0YS5wa2xQSwECAAAAAAgI"
    "AAAAAAAAt+/cgwEAAAABAAAAFwAAAAAAAAAAAAAAAABDAgAAYXJjaGl2ZS8uZm9ybWF0X3ZlcnNpb25QSwECAAAAAAgIAAAA"
    "AAAAP3dx6QIAAAACAAAAGgAAAAAAAAAAAAAAAACRAgAAYXJjaGl2ZS8uc3RvcmFnZV9hbGlnbm1lbnRQSwECAAAAAAgIAAAA"
    "AAAAhT3jGQYAAAAGAAAAEQAAAAAAAAAAAAAAAAASAwAAYXJjaGl2ZS9ieXRlb3JkZXJQSwECAAAAAAgIAAAAAAAAFG6J5wAg"
    "AAAAIAAADgAAAAAAAAAAAAAAAACWAwAAYXJjaGl2ZS9kYXRhLzBQSwECAAAAAAgIAAAAAAAA9ZLIK4AAAACAAAAADgAAAAAA"
    "AAAAAAAAAAAQJAAAYXJjaGl2ZS9kYXRhLzFQSwECAAAAAAgIAAAAAAAAhZaBkwAQAAAAEAAADgAAAAAAAAAAAAAAAADQJAAA"
    "YXJjaGl2ZS9kYXRhLzJQSwECAAAAAAgIAAAAAAAAPdg4z4AAAACAAAAADgAAAAAAAAAAAAAAAAAQNQAAYXJjaGl2ZS9kYXRh"
    "LzNQSwECAAAAAAgIAAAAAAAAxS7KQQAFAAAABQAADgAAAAAAAAAAAAAAAADQNQAAYXJjaGl2ZS9kYXRhLzRQSwECAAAAAAgI"
    "AAAAAAAA3MgP7igAAAAoAAAADgAAAAAAAAAAAAAAAAAQOwAAYXJjaGl2ZS9kYXRhLzVQSwECAAAAAAgIAAAAAAAA0Z5nVQIA"
    "AAACAAAADwAAAAAAAAAAAAAAAAB4OwAAYXJjaGl2ZS92ZXJzaW9uUEsBAgAAAAAICAAAAAAAABjBdMUoAAAAKAAAAB4AAAAA"
    "AAAAAAAAAAAA0jsAAGFyY2hpdmUvLmRhdGEvc2VyaWFsaXphdGlvbl9pZFBLBgYsAAAAAAAAAB4DLQAAAAAAAAAAAAwAAAAA"
    "AAAADAAAAAAAAAD7AgAAAAAAAHg8AAAAAAAAUEsGBwAAAABzPwAAAAAAAAEAAABQSwUGAAAAAAwADAD7AgAAeDwAAAAA"
)

# The llama-like decode model of examples/llama_decode.py and examples/replay_pool.py, in one place
# so that the step a trace measures and the step a capture pool replays are the same kernels.
#
# bf16 weights, token embedding, per layer RMSNorm -> QKV projection -> K and V written into a
# preallocated KV cache at the current position (a device tensor, so the step is capturable) ->
# attention over the whole cache with positions after the current one masked -> output projection
# -> RMSNorm -> SwiGLU MLP; final RMSNorm, LM head and argmax into the next token (kept on the
# device). No rotary embedding. The position advances on the device, wrapping at `context`.
# Buffers are sized for `max_batch`; step(b) works on the first b rows (views: no extra kernels).
import torch


def default_heads(hidden, heads=None, kv_heads=None):
    """Head counts as both scripts default them: head size 128, a quarter as many KV heads (GQA)."""
    heads = heads or max(1, hidden // 128)
    return heads, kv_heads or max(1, heads // 4)


class LlamaDecode:
    def __init__(self, layers, hidden, heads, kv_heads, context, vocab, max_batch, device="cuda", dtype=torch.bfloat16, seed=0):
        torch.manual_seed(seed)
        self.hidden, self.heads, self.kv_heads, self.context, self.max_batch = hidden, heads, kv_heads, context, max_batch
        self.head_dim = hidden // heads
        self.intermediate = ((8 * hidden // 3) + 255) // 256 * 256  # llama's SwiGLU width, rounded to 256
        self.dtype, self.eps = dtype, 1e-5
        H, hd, dev, dt = hidden, self.head_dim, device, dtype

        def weight(i, o):
            return (torch.randn(i, o, device=dev, dtype=dt) / i**0.5).contiguous()

        self.layers = []
        for _ in range(layers):
            self.layers.append(dict(
                n1=torch.ones(H, device=dev, dtype=dt), n2=torch.ones(H, device=dev, dtype=dt),
                wqkv=weight(H, (heads + 2 * kv_heads) * hd), wo=weight(H, H),
                wgu=weight(H, 2 * self.intermediate), wd=weight(self.intermediate, H),
            ))
        self.embed = torch.randn(vocab, H, device=dev, dtype=dt)
        self.norm_f = torch.ones(H, device=dev, dtype=dt)
        self.lm_head = weight(H, vocab)
        self.k_cache = torch.zeros(layers, max_batch, kv_heads, context, hd, device=dev, dtype=dt)
        self.v_cache = torch.zeros_like(self.k_cache)
        self.positions = torch.arange(context, device=dev)
        self.pos = torch.zeros(1, dtype=torch.long, device=dev)  # current position, on the device
        self.tokens = torch.randint(0, vocab, (max_batch,), device=dev)  # current tokens, on the device

    def rmsnorm(self, x, w):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)).to(self.dtype) * w

    def step(self, b=None):
        """One decode step for the first b sequences (all of them by default)."""
        b = self.max_batch if b is None else b
        heads, kvh, hd, H, C = self.heads, self.kv_heads, self.head_dim, self.hidden, self.context
        whole = b == self.max_batch  # no slicing views then: the eager step's host work as before
        tokens = self.tokens if whole else self.tokens[:b]
        x = self.embed[tokens]                                         # (b, H)
        mask = (self.positions <= self.pos).view(1, 1, 1, C)          # attend to positions 0..pos
        for i, L in enumerate(self.layers):
            kc, vc = (self.k_cache[i], self.v_cache[i]) if whole else (self.k_cache[i][:b], self.v_cache[i][:b])
            qkv = self.rmsnorm(x, L["n1"]) @ L["wqkv"]
            q, k, v = qkv.split((heads * hd, kvh * hd, kvh * hd), dim=-1)
            kc.index_copy_(2, self.pos, k.view(b, kvh, 1, hd))
            vc.index_copy_(2, self.pos, v.view(b, kvh, 1, hd))
            q = q.view(b, kvh, heads // kvh, hd)                          # GQA: query groups per KV head
            s = (q @ kc.transpose(-1, -2)) * hd**-0.5                     # (b, kvh, g, C)
            s = s.float().masked_fill(~mask, float("-inf")).softmax(-1).to(self.dtype)
            o = (s @ vc).reshape(b, H)
            x = x + o @ L["wo"]
            g, u = (self.rmsnorm(x, L["n2"]) @ L["wgu"]).chunk(2, dim=-1)
            x = x + (torch.nn.functional.silu(g) * u) @ L["wd"]
        logits = self.rmsnorm(x, self.norm_f) @ self.lm_head
        tokens.copy_(logits.argmax(-1))
        self.pos.add_(1).remainder_(C)

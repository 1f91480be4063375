"""One OpenAI-compatible chat call (hosted, or a local server such as llama.cpp or Ollama), shared
by the LLM judge (verify/engine.py) and the endpoint reader (verify/reader.py)."""

from __future__ import annotations

import json
from typing import Any


def chat_completion(url: str, model: str, api_key: str, timeout: float, system: str, user: str) -> str:
    """The text of the endpoint's answer, at temperature 0.

    Raises requests.RequestException when the endpoint cannot be reached or refuses, and
    ValueError, KeyError, IndexError or TypeError when its answer is no chat completion.
    """
    import requests  # only a configured endpoint pays for the HTTP stack

    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    response = requests.post(
        f"{url}/chat/completions",
        json={
            "model": model,
            "temperature": 0,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        },
        headers=headers,
        timeout=timeout,
    )
    response.raise_for_status()
    return str(response.json()["choices"][0]["message"]["content"])


def json_object(content: str) -> dict[str, Any]:
    """The JSON object inside a model's answer (models wrap it in prose or code fences);
    ValueError when there is none."""
    answer = json.loads(content[content.index("{") : content.rindex("}") + 1])
    if not isinstance(answer, dict):
        raise ValueError("the answer is not a JSON object")
    return answer

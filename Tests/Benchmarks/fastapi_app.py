"""The original stack's shape, for comparison only (never part of digitty): FastAPI + uvicorn serving the
reference ONNX model through onnxruntime. POST /predict takes a PNG body and answers
{"label": …, "probabilities": […]}, as the original web API did.

Run: DIGITTY_ONNX=../shared/models/seed_simple_rot6.onnx uvicorn fastapi_app:app --host 127.0.0.1 --port 8081
"""
import io
import os

import numpy as np
import onnxruntime as ort
from fastapi import FastAPI, Request
from PIL import Image

options = ort.SessionOptions()
options.intra_op_num_threads = 1
session = ort.InferenceSession(os.environ["DIGITTY_ONNX"], options, providers=["CPUExecutionProvider"])
input_name = session.get_inputs()[0].name
app = FastAPI()


@app.post("/predict")
async def predict(request: Request):
    body = await request.body()
    image = Image.open(io.BytesIO(body)).convert("L")
    if image.size != (28, 28):
        image = image.resize((28, 28), Image.BILINEAR)
    pixels = np.asarray(image, dtype=np.float32).reshape(1, 28, 28, 1) / 255.0
    probabilities = session.run(None, {input_name: pixels})[0][0]
    return {"label": int(probabilities.argmax()), "probabilities": probabilities.tolist()}
